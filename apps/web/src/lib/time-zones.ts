/** Every IANA zone the browser knows, plus `current` if the runtime's list lacks it (e.g. "UTC"). */
export function allTimeZones(current?: string): string[] {
  let zones: string[];
  try {
    zones = Intl.supportedValuesOf('timeZone');
  } catch {
    zones = [];
  }
  const set = new Set(zones);
  set.add('UTC');
  if (current) set.add(current);
  return [...set].sort((a, b) => a.localeCompare(b));
}

/** Zones grouped by region ("Europe", "America", …) for <optgroup>s; bare names go under "Other". */
export function groupTimeZones(
  current?: string,
  zones: string[] = allTimeZones(current),
): [string, string[]][] {
  const groups = new Map<string, string[]>();
  for (const tz of zones) {
    const slash = tz.indexOf('/');
    const region = slash > 0 ? tz.slice(0, slash) : 'Other';
    const list = groups.get(region) ?? [];
    list.push(tz);
    groups.set(region, list);
  }
  return [...groups.entries()].sort(([a], [b]) =>
    a === 'Other' ? 1 : b === 'Other' ? -1 : a.localeCompare(b),
  );
}
