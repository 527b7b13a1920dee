// The leads pages live in pages/leads/; this keeps the router's import path stable.
export { LeadsPage } from './leads/leads-page';
export { LeadDetailPage } from './leads/lead-detail';
export { ImportWizardPage } from './leads/import-wizard';
