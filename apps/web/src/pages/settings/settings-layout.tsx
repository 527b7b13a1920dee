import { NavLink, Outlet } from 'react-router';
import { PageHeader } from '../../components/layout';
import { Alert } from '../../components/feedback';
import { useSession } from '../../lib/queries';
import { canManage } from '../../lib/roles';
import './settings.css';

const TABS = [
  { to: '/settings/general', label: 'General', testId: 'tab-general' },
  { to: '/settings/members', label: 'Members', testId: 'tab-members' },
  { to: '/settings/api-keys', label: 'API keys', testId: 'tab-api-keys' },
] as const;

export function SettingsLayout() {
  const me = useSession();
  return (
    <>
      <PageHeader
        title="Settings"
        description={`Manage ${me.workspace.name}: details, team and API access.`}
      />
      <nav className="tabs" aria-label="Settings sections">
        {TABS.map((t) => (
          <NavLink key={t.to} to={t.to} className="tab" data-testid={t.testId}>
            {t.label}
          </NavLink>
        ))}
      </nav>
      {!canManage(me.role) && (
        <div className="settings-notice">
          <Alert tone="info" title="You have read-only access">
            Only workspace admins and owners can change settings and members. You can create API
            keys that do no more than your own role allows.
          </Alert>
        </div>
      )}
      <div className="tab-panel">
        <Outlet />
      </div>
    </>
  );
}
