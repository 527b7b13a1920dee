// Colour contrast as WCAG 2 defines it (relative luminance, ratio 1..21), for text drawn on a
// colour a person picked: the form widget's button label is white on its primary colour when
// that is readable (4.5:1, WCAG AA for normal text), else whichever of white or near-black
// contrasts more. Dependency-free: the widget bundle imports it through
// `@kindling/shared/contrast`.

/** Relative luminance of a `#rrggbb` colour (WCAG 2: sRGB channels linearised, weighted). */
export function luminance(hex: string): number {
  const n = Number.parseInt(hex.slice(1, 7), 16);
  const channel = (shift: number) => {
    const c = ((n >> shift) & 0xff) / 255;
    return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(16) + 0.7152 * channel(8) + 0.0722 * channel(0);
}

/** The contrast ratio of two `#rrggbb` colours, from 1 (same) to 21 (black on white). */
export function contrastRatio(a: string, b: string): number {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x) as [number, number];
  return (hi + 0.05) / (lo + 0.05);
}

export const ON_DARK = '#ffffff';
export const ON_LIGHT = '#1c1b19';

/** The text colour for a label drawn on `background`: white when readable, else the better one. */
export function readableOn(background: string): string {
  if (contrastRatio(ON_DARK, background) >= 4.5) return ON_DARK;
  return contrastRatio(ON_LIGHT, background) > contrastRatio(ON_DARK, background)
    ? ON_LIGHT
    : ON_DARK;
}
