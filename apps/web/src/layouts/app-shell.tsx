import { useEffect, useRef, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { NavLink, Outlet, useLocation, useNavigate } from 'react-router';
import type { Me } from '@kindling/shared';
import { api } from '../api';
import { Wordmark } from '../components/logo';
import { Menu } from '../components/menu';
import { useToast } from '../components/toast';
import { Avatar } from '../components/layout';
import { SendingPausedBanner } from '../components/sending-paused-banner';
import {
  CampaignsIcon,
  CheckIcon,
  ChevronsIcon,
  FormsIcon,
  LeadsIcon,
  LogOutIcon,
  MenuIcon,
  OverviewIcon,
  SendingIcon,
  SettingsIcon,
  XIcon,
} from '../components/icons';
import { meKey, useSession } from '../lib/queries';
import { initials } from '../lib/format';
import { ROLE_LABEL } from '../lib/roles';
import './app-shell.css';

const NAV = [
  { to: '/overview', label: 'Overview', icon: OverviewIcon, testId: 'nav-overview' },
  { to: '/forms', label: 'Forms', icon: FormsIcon, testId: 'nav-forms' },
  { to: '/leads', label: 'Leads', icon: LeadsIcon, testId: 'nav-leads' },
  { to: '/campaigns', label: 'Campaigns', icon: CampaignsIcon, testId: 'nav-campaigns' },
  { to: '/sending', label: 'Sending', icon: SendingIcon, testId: 'nav-sending' },
] as const;

/** Drops every cached query except the session, so nothing from another workspace leaks. */
function dropWorkspaceData(qc: ReturnType<typeof useQueryClient>) {
  qc.removeQueries({ predicate: (q) => q.queryKey[0] !== meKey[0] });
}

function WorkspaceSwitcher({ me }: { me: Me }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const switchWs = useMutation({
    mutationFn: (workspaceId: string) =>
      api.post<Me>('/api/auth/switch-workspace', { workspaceId }),
    onSuccess: (next) => {
      dropWorkspaceData(qc);
      qc.setQueryData(meKey, next);
      void navigate('/overview');
      toast.success(`Switched to ${next.workspace.name}`);
    },
    onError: (err) => toast.error(err.message),
  });

  const tile = (
    <>
      <span className="ws-mark" aria-hidden="true">
        {me.workspace.name.trim().charAt(0).toUpperCase() || 'K'}
      </span>
      <span className="ws-text">
        <span className="ws-name" data-testid="workspace-name">
          {me.workspace.name}
        </span>
        <span className="ws-role">{ROLE_LABEL[me.role]}</span>
      </span>
    </>
  );

  if (me.workspaces.length <= 1) return <div className="ws-tile">{tile}</div>;

  return (
    <Menu
      trigger={
        <>
          {tile}
          <ChevronsIcon size={14} className="ws-chevron" />
          <span className="visually-hidden">Switch workspace</span>
        </>
      }
      triggerClassName="ws-tile ws-tile-button"
      testId="workspace-switcher"
    >
      {(close) => (
        <>
          <p className="menu-label">Workspaces</p>
          {me.workspaces.map((ws) => {
            const current = ws.id === me.workspace.id;
            return (
              <button
                key={ws.id}
                type="button"
                role="menuitem"
                className="menu-item"
                aria-current={current || undefined}
                disabled={switchWs.isPending}
                onClick={() => {
                  close();
                  if (!current) switchWs.mutate(ws.id);
                }}
              >
                <span className="ws-mark ws-mark-sm" aria-hidden="true">
                  {ws.name.trim().charAt(0).toUpperCase() || 'K'}
                </span>
                <span className="menu-item-text">
                  {ws.name}
                  <span className="menu-item-sub">{ROLE_LABEL[ws.role]}</span>
                </span>
                {current && <CheckIcon size={14} className="menu-check" />}
              </button>
            );
          })}
        </>
      )}
    </Menu>
  );
}

function UserMenu({ me }: { me: Me }) {
  const qc = useQueryClient();
  const navigate = useNavigate();
  const toast = useToast();
  const logout = useMutation({
    mutationFn: () => api.post<void>('/api/auth/logout'),
    onSuccess: () => {
      dropWorkspaceData(qc);
      qc.setQueryData(meKey, null);
      void navigate('/login', { replace: true });
    },
    onError: (err) => toast.error(err.message),
  });

  return (
    <Menu
      placement="above"
      triggerClassName="user-tile"
      testId="user-menu"
      trigger={
        <>
          <Avatar text={initials(me.user.name, me.user.email)} />
          <span className="user-text">
            <span className="user-name">{me.user.name}</span>
            <span className="user-email">{me.user.email}</span>
          </span>
          <ChevronsIcon size={14} className="ws-chevron" />
          <span className="visually-hidden">Account menu</span>
        </>
      }
    >
      {(close) => (
        <>
          <p className="menu-label">Signed in as {me.user.email}</p>
          <button
            type="button"
            role="menuitem"
            className="menu-item"
            data-testid="logout"
            onClick={() => {
              close();
              logout.mutate();
            }}
          >
            <LogOutIcon size={16} />
            <span className="menu-item-text">Log out</span>
          </button>
        </>
      )}
    </Menu>
  );
}

/**
 * Below 800 px the sidebar is a drawer: a top bar with the wordmark and a menu button opens it
 * over the page; a link, Escape or the backdrop closes it (focus returns to the button).
 */
function useMobileNav() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const { pathname } = useLocation();
  useEffect(() => setOpen(false), [pathname]);
  useEffect(() => {
    if (!open) return;
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== 'Escape') return;
      setOpen(false);
      buttonRef.current?.focus();
    };
    document.addEventListener('keydown', onKey);
    return () => document.removeEventListener('keydown', onKey);
  }, [open]);
  return { open, setOpen, buttonRef };
}

export function AppShell() {
  const me = useSession();
  const nav = useMobileNav();
  return (
    <div className={`shell${nav.open ? ' shell-nav-open' : ''}`} data-testid="app-shell">
      <a href="#main" className="skip-link">
        Skip to content
      </a>
      <header className="topbar">
        <button
          ref={nav.buttonRef}
          type="button"
          className="topbar-menu"
          aria-expanded={nav.open}
          aria-controls="sidebar"
          aria-label={nav.open ? 'Close menu' : 'Open menu'}
          data-testid="nav-toggle"
          onClick={() => nav.setOpen((o) => !o)}
        >
          {nav.open ? <XIcon size={20} /> : <MenuIcon size={20} />}
        </button>
        <Wordmark size={22} />
      </header>
      {nav.open && (
        <div className="sidebar-backdrop" aria-hidden="true" onClick={() => nav.setOpen(false)} />
      )}
      <aside className="sidebar" id="sidebar" aria-label="Sidebar">
        <div className="sidebar-inner">
          <div className="sidebar-brand">
            <Wordmark size={24} />
          </div>
          <WorkspaceSwitcher me={me} />
          <nav className="nav" aria-label="Main">
            <ul>
              {NAV.map(({ to, label, icon: Icon, testId }) => (
                <li key={to}>
                  <NavLink to={to} className="nav-link" data-testid={testId}>
                    <Icon size={16} />
                    {label}
                  </NavLink>
                </li>
              ))}
            </ul>
            <p className="nav-section">Workspace</p>
            <ul>
              <li>
                <NavLink to="/settings" className="nav-link" data-testid="nav-settings">
                  <SettingsIcon size={16} />
                  Settings
                </NavLink>
              </li>
            </ul>
          </nav>
          <div className="sidebar-footer">
            <UserMenu me={me} />
          </div>
        </div>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        <div className="main-inner">
          <SendingPausedBanner />
          <Outlet />
        </div>
      </main>
    </div>
  );
}
