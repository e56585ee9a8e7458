/** Lambda entry: the voucher ledger consumer (events/routing.ts route 'voucherLedger'). Publishes VoucherRedeemed. */
import { awsPorts } from '#functions/adapters/aws.ts';
import { voucherLedgerHandler } from '#functions/usecases/vouchers.ts';

export const handler = voucherLedgerHandler(awsPorts());
