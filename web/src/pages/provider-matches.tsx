/** The provider's matches, newest first, with accept/decline once an operator approved them. */
import { PartyMatchesPage } from '../components/party-matches.tsx';
import { loadOwnProviders } from './provider-offerings.tsx';

export function ProviderMatchesPage() {
  return (
    <PartyMatchesPage
      party="provider"
      loadOwn={loadOwnProviders}
      matchesPath={(id) => `/v1/providers/${id}/matches`}
      titleKey="providerMatches.title"
      introKey="providerMatches.intro"
    />
  );
}
