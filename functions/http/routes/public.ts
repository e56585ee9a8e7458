/** The routes of the `public` Lambda (declared as described in ../route-decl.ts). */
import { ANYONE, route } from '../route-decl.ts';

export const publicRoutes = {
  health: route({
    method: 'GET', path: '/health', group: 'public', roles: 'public', status: 200, response: 'Health',
    summary: 'Liveness check',
    description: ANYONE,
  }),
  getCatalog: route({
    method: 'GET', path: '/v1/catalog', group: 'public', roles: 'public', status: 200, response: 'Catalog',
    summary: 'The key projects, their service types and the provider kinds',
    description: `${ANYONE} Ids with their Chinese and English names.`,
  }),
  getRegions: route({
    method: 'GET', path: '/v1/regions', group: 'public', roles: 'public', status: 200, response: 'Regions',
    summary: 'The provinces: ISO 3166-2:CN code, Chinese and English names, regional group',
    description: `${ANYONE} The codes every province field takes.`,
  }),
  getOpenApi: route({
    method: 'GET', path: '/openapi.json', group: 'public', roles: 'public', status: 200, response: 'OpenApiDocument',
    summary: 'This OpenAPI document',
    description: ANYONE,
  }),
};
