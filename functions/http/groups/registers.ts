/** Handlers of the `registers` Lambda: register imports. */
import type { AppPorts, HttpHandler } from '#functions/ports.ts';
import { getImport, startImport } from '#functions/usecases/imports.ts';
import { httpGroup } from '../api.ts';
import { errorLanguage } from '../error-language.ts';
import { registersRoutes } from '../routes/registers.ts';
import { importView } from '../views.ts';

export function registersHttp(ports: AppPorts): HttpHandler {
  return httpGroup(
    registersRoutes,
    {
      importTierRegister: async ({ caller, rawBody }) => startImport(ports, caller, 'TIERS', rawBody ?? new Uint8Array()),
      importProviderRegister: async ({ caller, rawBody }) => startImport(ports, caller, 'PROVIDERS', rawBody ?? new Uint8Array()),
      getImport: async ({ params, headers }) => importView(await getImport(ports, params.importId), errorLanguage(headers.acceptLanguage)),
    },
    ports.logger,
  );
}
