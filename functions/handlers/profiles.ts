/** Lambda entry: `profiles`, refreshing the summaries on live matches when a profile changes (functions/usecases/profiles.ts). Publishes no event. */
import { profilesHandler } from '#functions/usecases/profiles.ts';
import { awsTablePorts } from '#functions/adapters/aws-table.ts';

export const handler = profilesHandler(awsTablePorts());
