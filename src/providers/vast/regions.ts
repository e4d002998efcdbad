/**
 * Continent names accepted by `vast-region`, mapped to the ISO 3166-1 alpha-2 codes Vast reports
 * in an offer's `geolocation`. The lists are vast-cli's own (`vastai/api/offers.py`,
 * `launch_instance` REGIONS), so a name selects what `vastai launch instance --region` does.
 */
export const CONTINENTS: Record<string, readonly string[]> = {
  'north-america': 'AG BS BB BZ CA CR CU DM DO SV GD GT HT HN JM MX NI PA KN LC VC TT US'.split(' '),
  'south-america': 'AR BO BR CL CO EC FK GF GY PY PE SR UY VE'.split(' '),
  europe: (
    'AL AD AT BY BE BA BG HR CY CZ DK EE FI FR DE GR HU IS IE IT LV LI LT LU MT MD MC ME NL MK NO PL PT RO RU SM RS SK SI ES SE CH ' + 'UA GB VA XK'
  ).split(' '),
  asia: (
    'AF AM AZ BH BD BT BN KH CN GE IN ID IR IQ IL JP JO KZ KW KG LA LB MY MV MN MM NP KP OM PK PH QA SA SG KR LK SY TW TJ TH TL TR ' + 'TM AE UZ VN YE HK MO'
  ).split(' '),
  oceania: 'AS AU CK FJ PF GU KI MH FM NR NC NZ NU MP PW PG PN WS SB TK TO TV VU WF'.split(' '),
  africa: (
    'DZ AO BJ BW BF BI CV CM CF TD KM CG CD CI DJ EG GQ ER SZ ET GA GM GH GN GW KE LS LR LY MG MW ML MR MU MA MZ NA NE NG RW ST SN ' +
    'SC SL SO ZA SS SD TZ TG TN UG ZM ZW'
  ).split(' ')
}

/** 'North America', 'north_america', 'NORTH-AMERICA' -> 'north-america'. */
export function continentKey(text: string): string {
  return text
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
}

/**
 * The country code of an offer's geolocation: Vast sends 'US' or 'California, US' (vast-cli
 * tests/test_georegions.py), so the code is the last comma-separated part.
 */
export function countryOf(geolocation: string | undefined): string | undefined {
  if (!geolocation) return undefined
  const last = geolocation.split(',').pop()?.trim().toUpperCase()
  return last && /^[A-Z]{2}$/.test(last) ? last : undefined
}
