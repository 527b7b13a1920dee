import { expect, it } from 'vitest';
import { contrastRatio, ON_DARK, ON_LIGHT, readableOn } from './contrast.js';

it('computes WCAG 2 contrast ratios', () => {
  expect(contrastRatio('#000000', '#ffffff')).toBeCloseTo(21, 5);
  expect(contrastRatio('#ffffff', '#ffffff')).toBe(1);
  // Order does not matter; known values (WebAIM's checker): #767676 on white is 4.54:1.
  expect(contrastRatio('#ffffff', '#767676')).toBeCloseTo(4.54, 2);
  expect(contrastRatio('#767676', '#ffffff')).toBeCloseTo(4.54, 2);
});

it('keeps white on a dark enough colour and switches to near-black on a light one', () => {
  expect(readableOn('#c2410c')).toBe(ON_DARK); // 5.2:1 with white
  expect(readableOn('#1d4ed8')).toBe(ON_DARK);
  expect(readableOn('#e8590c')).toBe(ON_LIGHT); // 3.6:1 with white, 5.1:1 with near-black
  expect(readableOn('#ffd43b')).toBe(ON_LIGHT);
  for (const bg of ['#c2410c', '#e8590c', '#ffd43b', '#40c057', '#7950f2', '#000000']) {
    expect(contrastRatio(readableOn(bg), bg)).toBeGreaterThanOrEqual(4.5);
  }
});
