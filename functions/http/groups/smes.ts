/** Handlers of the `smes` Lambda: SMEs, their needs, and the needs' matches. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import { getNeedWithMatch, listMatchesOfNeed, listNeedsOfSme, listWaitingNeeds, postNeed, withdrawNeed } from '#functions/usecases/needs.ts';
import { createSme, getSme, listMatchesOfSme, listSmes, patchSme } from '#functions/usecases/smes.ts';
import { reinstateSme, suspendSme } from '#functions/usecases/sme-standing.ts';
import { verifySme } from '#functions/usecases/verification.ts';
import { httpGroup, pageOf } from '../api.ts';
import { smesRoutes } from '../routes/smes.ts';
import { audienceOf, matchView, needView, pageView, smeView } from '../views.ts';

export function smesHttp(ports: AppPorts): HttpHandler {
  return httpGroup(
    smesRoutes,
    {
      createSme: async ({ caller, body }) => smeView(await createSme(ports, caller, body), ports.clock.now()),
      listSmes: async ({ caller, query }) => pageView(await listSmes(ports, caller, pageOf(query)), (s) => smeView(s, ports.clock.now(), audienceOf(caller))),
      getSme: async ({ caller, params }) => smeView(await getSme(ports, caller, params.smeId), ports.clock.now(), audienceOf(caller)),
      patchSme: async ({ caller, params, body }) => smeView(await patchSme(ports, caller, params.smeId, body), ports.clock.now()),
      verifySme: async ({ caller, params, body }) => smeView(await verifySme(ports, caller, params.smeId, body), ports.clock.now(), 'operator'),
      suspendSme: async ({ caller, params, body }) => smeView(await suspendSme(ports, caller, params.smeId, body), ports.clock.now(), 'operator'),
      reinstateSme: async ({ caller, params }) => smeView(await reinstateSme(ports, caller, params.smeId), ports.clock.now(), 'operator'),
      postNeed: async ({ caller, params, body, headers }) => needView(await postNeed(ports, caller, params.smeId, body, headers.idempotencyKey)),
      listNeedsOfSme: async ({ caller, params, query }) => pageView(await listNeedsOfSme(ports, caller, params.smeId, pageOf(query)), needView),
      listMatchesOfSme: async ({ caller, params, query }) => pageView(await listMatchesOfSme(ports, caller, params.smeId, pageOf(query)), matchView),
      getNeed: async ({ caller, params }) => {
        const { need, currentMatch } = await getNeedWithMatch(ports, caller, params.needId);
        return { ...needView(need), currentMatch: currentMatch ? matchView(currentMatch) : null };
      },
      withdrawNeed: async ({ caller, params }) => needView(await withdrawNeed(ports, caller, params.needId)),
      listMatchesOfNeed: async ({ caller, params, query }) => pageView(await listMatchesOfNeed(ports, caller, params.needId, pageOf(query)), matchView),
      listWaitingNeeds: async ({ query }) => pageView(await listWaitingNeeds(ports, query, pageOf(query)), needView),
    },
    ports.logger,
  );
}
