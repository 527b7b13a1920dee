/** The rules for changing a live campaign (also in docs/campaigns.md). */
export function EditingRules() {
  return (
    <ul className="rules">
      <li>
        A changed step applies to every lead that has not reached it yet; sent emails stay as sent.
      </li>
      <li>A removed step is skipped: leads waiting on it move on to the next step right away.</li>
      <li>A new step applies to leads that have not passed its position.</li>
      <li>
        Changing a wait affects leads who start that wait afterwards, not those already waiting.
      </li>
      <li>
        A live campaign must stay valid: a save that would break it is refused and nothing changes.
      </li>
    </ul>
  );
}
