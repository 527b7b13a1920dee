/** The flame mark: a tall outer flame with a lighter inner core. */
export function FlameMark({ size = 24 }: { size?: number }) {
  return (
    <svg width={size} height={size} viewBox="0 0 32 32" aria-hidden="true" focusable="false">
      <rect width="32" height="32" rx="8" fill="var(--mark-bg, #1c1917)" />
      <path
        d="M16.6 5.5c.5 3.2-1 5.2-2.8 7.1-1.9 2-3.8 4-3.8 7.2A6 6 0 0 0 16 26a6 6 0 0 0 6-6.1c0-2.4-1-4.2-2.1-5.7-.2 1.6-1 2.8-2.3 3.3.6-4.4-.3-8.7-1-12Z"
        fill="#f97316"
      />
      <path
        d="M16 26a3 3 0 0 1-3-3c0-2 1.6-3 2.4-4.7.3 1.4 1.2 2.2 2 2.9.9.8 1.6 1.4 1.6 2.6A3 3 0 0 1 16 26Z"
        fill="#fdba74"
      />
    </svg>
  );
}

export function Wordmark({ size = 24 }: { size?: number }) {
  return (
    <span className="wordmark">
      <FlameMark size={size} />
      <span className="wordmark-text">Kindling</span>
    </span>
  );
}
