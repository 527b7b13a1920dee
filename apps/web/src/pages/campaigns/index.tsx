// The campaign pages: the list, one campaign's page and the builder.
export { CampaignsPage } from './list';
export { CampaignDetailPage } from './detail';
export { CampaignBuilderPage } from './builder';
