/** The hours of a day, for the send window and "wait until" pickers. */
export const HOURS = Array.from({ length: 24 }, (_, h) => h);
export const hourLabel = (h: number) => `${String(h).padStart(2, '0')}:00`;
