/** Lambda entry: the `vouchers` HTTP routes (functions/http/routes.ts, group 'vouchers'). Publishes VoucherIssued. */
import { vouchersHttp } from '#functions/http/groups/vouchers.ts';
import { awsPorts } from '#functions/adapters/aws.ts';

export const handler = vouchersHttp(awsPorts());
