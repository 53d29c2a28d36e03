import type { Country } from 'world-countries';
import dataset from 'world-countries';
import type { Delegation } from './delegations.ts';

/**
 * The 193 Member States and 2 non-member Observer States, from the maintained `world-countries`
 * dataset (ISO 3166-1 alpha-3 ids, UN regional groups), corrected where it disagrees with the UN's
 * own list (https://www.un.org/en/about-us/member-states and the list of non-member States):
 *
 * - VAT: the dataset marks Vatican City as a UN member. The Holy See is a non-member Observer State;
 *   it is seeded as ObserverState, named "Holy See", with no regional group.
 * - PSE: the dataset names it "Palestine" and (rightly) not a member; the UN name is "State of
 *   Palestine", a non-member Observer State. Its regional group is left empty, as in the dataset.
 * - Names: the dataset's common names ("Ivory Coast", "Russia", "DR Congo", ...) are replaced by the
 *   UN's short names for the entries listed in `unNames`, so the roll call reads as the UN's does.
 */
export const unNames: Readonly<Record<string, string>> = {
  BOL: 'Bolivia (Plurinational State of)',
  BRN: 'Brunei Darussalam',
  CIV: 'Côte d’Ivoire',
  COD: 'Democratic Republic of the Congo',
  COG: 'Congo',
  CPV: 'Cabo Verde',
  FSM: 'Micronesia (Federated States of)',
  GBR: 'United Kingdom of Great Britain and Northern Ireland',
  IRN: 'Iran (Islamic Republic of)',
  KOR: 'Republic of Korea',
  LAO: 'Lao People’s Democratic Republic',
  MDA: 'Republic of Moldova',
  NLD: 'Netherlands (Kingdom of the)',
  PRK: 'Democratic People’s Republic of Korea',
  RUS: 'Russian Federation',
  STP: 'Sao Tome and Principe',
  SYR: 'Syrian Arab Republic',
  TZA: 'United Republic of Tanzania',
  USA: 'United States of America',
  VEN: 'Venezuela (Bolivarian Republic of)',
  VNM: 'Viet Nam',
  VAT: 'Holy See',
  PSE: 'State of Palestine',
};

// The package is CommonJS (module.exports = the array); its typings describe an ES default export.
const countries = dataset as unknown as Country[];

export const observerStateCodes: readonly string[] = ['VAT', 'PSE'];

export function seedStates(): Delegation[] {
  const states: Delegation[] = [];
  for (const country of countries) {
    const observer = observerStateCodes.includes(country.cca3);
    if (!country.unMember && !observer) continue;
    states.push({
      code: country.cca3,
      name: unNames[country.cca3] ?? country.name.common,
      category: observer ? 'ObserverState' : 'MemberState',
      regionalGroup: observer ? null : country.unRegionalGroup || null,
    });
  }
  return states.sort((a, b) => a.code.localeCompare(b.code));
}
