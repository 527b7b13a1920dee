import { createBrowserRouter, Navigate } from 'react-router';
import { RedirectIfSignedIn, RequireAuth } from './guards';
import { AppShell } from './layouts/app-shell';
import { LoginPage } from './pages/login';
import { SignupPage } from './pages/signup';
import { AcceptInvitePage } from './pages/accept-invite';
import { ForgotPasswordPage, ResetPasswordPage } from './pages/password-reset';
import { OverviewPage } from './pages/overview/overview';
import { FormsPage } from './pages/forms';
import { FormBuilderPage } from './pages/forms/builder';
import { ImportWizardPage, LeadDetailPage, LeadsPage } from './pages/leads';
import { CampaignBuilderPage, CampaignDetailPage, CampaignsPage } from './pages/campaigns';
import { SENDING_TABS, SendingIndex, SendingLayout } from './pages/sending';
import { NotFoundPage } from './pages/not-found';
import { SettingsLayout } from './pages/settings/settings-layout';
import { GeneralSettingsPage } from './pages/settings/general';
import { MembersSettingsPage } from './pages/settings/members';
import { ApiKeysSettingsPage } from './pages/settings/api-keys';

export const router = createBrowserRouter([
  {
    element: <RedirectIfSignedIn />,
    children: [
      { path: '/login', element: <LoginPage /> },
      { path: '/signup', element: <SignupPage /> },
    ],
  },
  // Works signed in (accept with one click) and signed out (create an account).
  { path: '/invite/:token', element: <AcceptInvitePage /> },
  { path: '/forgot-password', element: <ForgotPasswordPage /> },
  { path: '/reset-password/:token', element: <ResetPasswordPage /> },
  {
    element: <RequireAuth />,
    children: [
      {
        element: <AppShell />,
        children: [
          { index: true, element: <Navigate to="/overview" replace /> },
          { path: 'overview', element: <OverviewPage /> },
          { path: 'forms', element: <FormsPage /> },
          { path: 'forms/:id', element: <FormBuilderPage /> },
          { path: 'leads', element: <LeadsPage /> },
          { path: 'leads/import', element: <ImportWizardPage /> },
          { path: 'leads/:id', element: <LeadDetailPage /> },
          { path: 'campaigns', element: <CampaignsPage /> },
          { path: 'campaigns/new', element: <CampaignBuilderPage /> },
          { path: 'campaigns/:id', element: <CampaignDetailPage /> },
          { path: 'campaigns/:id/edit', element: <CampaignBuilderPage /> },
          {
            path: 'sending',
            element: <SendingLayout />,
            children: [
              { index: true, element: <SendingIndex /> },
              ...SENDING_TABS.map((t) => ({ path: t.id, element: t.element })),
            ],
          },
          {
            path: 'settings',
            element: <SettingsLayout />,
            children: [
              { index: true, element: <Navigate to="/settings/general" replace /> },
              { path: 'general', element: <GeneralSettingsPage /> },
              { path: 'members', element: <MembersSettingsPage /> },
              { path: 'api-keys', element: <ApiKeysSettingsPage /> },
            ],
          },
          { path: '*', element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
