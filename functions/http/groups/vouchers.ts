/** Handlers of the `vouchers` Lambda: voucher programmes, vouchers and providers' settlements. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import {
  createProgramme,
  getProgramme,
  issueVoucher,
  listProgrammes,
  listVouchersOfSme,
  settlements,
} from '#functions/usecases/vouchers.ts';
import { httpGroup, pageOf } from '../api.ts';
import { vouchersRoutes } from '../routes/vouchers.ts';
import { pageView, programmeView, voucherView } from '../views.ts';

export function vouchersHttp(ports: AppPorts): HttpHandler {
  const now = () => ports.clock.now().toISOString();
  return httpGroup(
    vouchersRoutes,
    {
      createProgramme: async ({ body }) => programmeView(await createProgramme(ports, body)),
      listProgrammes: async ({ query }) => pageView(await listProgrammes(ports, pageOf(query)), programmeView),
      getProgramme: async ({ params }) => programmeView(await getProgramme(ports, params.programmeId)),
      issueVoucher: async ({ params, body }) => voucherView(await issueVoucher(ports, params.programmeId, body.smeId), now()),
      listVouchersOfSme: async ({ caller, params, query }) =>
        pageView(await listVouchersOfSme(ports, caller, params.smeId, pageOf(query)), (v) => voucherView(v, now())),
      providerSettlements: async ({ caller, params, query }) => settlements(ports, caller, params.providerId, query.period),
    },
    ports.logger,
  );
}
