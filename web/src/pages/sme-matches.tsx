/** The SME's matches, newest first, with accept/decline once an operator approved them. */
import { PartyMatchesPage } from '../components/party-matches.tsx';
import { loadOwnSmes } from './sme-profile.tsx';

export function SmeMatchesPage() {
  return (
    <PartyMatchesPage
      party="sme"
      loadOwn={loadOwnSmes}
      matchesPath={(id) => `/v1/smes/${id}/matches`}
      titleKey="smeMatches.title"
      introKey="smeMatches.intro"
    />
  );
}
