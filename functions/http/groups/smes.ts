/** Handlers of the `smes` Lambda: SMEs, their needs, and the needs' matches. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import { getNeedWithMatch, listMatchesOfNeed, listNeedsOfSme, postNeed, withdrawNeed } from '#functions/usecases/needs.ts';
import { createSme, getSme, listMatchesOfSme, listSmes } from '#functions/usecases/smes.ts';
import { httpGroup, pageOf } from '../api.ts';
import { matchView, needView, pageView, smeView } from '../views.ts';

export function smesHttp(ports: AppPorts): HttpHandler {
  return httpGroup(
    'smes',
    {
      createSme: async ({ caller, body }) => smeView(await createSme(ports, caller, body)),
      listSmes: async ({ caller, query }) => pageView(await listSmes(ports, caller, pageOf(query)), smeView),
      getSme: async ({ caller, params }) => smeView(await getSme(ports, caller, params.smeId)),
      postNeed: async ({ caller, params, body, headers }) => needView(await postNeed(ports, caller, params.smeId, body, headers.idempotencyKey)),
      listNeedsOfSme: async ({ caller, params, query }) => pageView(await listNeedsOfSme(ports, caller, params.smeId, pageOf(query)), needView),
      listMatchesOfSme: async ({ caller, params, query }) => pageView(await listMatchesOfSme(ports, caller, params.smeId, pageOf(query)), matchView),
      getNeed: async ({ caller, params }) => {
        const { need, currentMatch } = await getNeedWithMatch(ports, caller, params.needId);
        return { ...needView(need), currentMatch: currentMatch ? matchView(currentMatch) : null };
      },
      withdrawNeed: async ({ caller, params }) => needView(await withdrawNeed(ports, caller, params.needId)),
      listMatchesOfNeed: async ({ caller, params, query }) => pageView(await listMatchesOfNeed(ports, caller, params.needId, pageOf(query)), matchView),
    },
    ports.logger,
  );
}
