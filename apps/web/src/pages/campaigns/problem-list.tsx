/** What stands between a campaign and activation, one line each (nothing when the list is empty). */
export function ProblemList({ items, testId }: { items: string[]; testId?: string }) {
  if (items.length === 0) return null;
  return (
    <ul className="problem-list" data-testid={testId}>
      {items.map((text, i) => (
        <li key={i}>{text}</li>
      ))}
    </ul>
  );
}
