import type { PendingJoin } from '@quickchat/sdk/groups';
import { Avatar } from '../components/avatar.js';
import { useGroupText } from '../features/groups/strings.js';

/** The join-request inbox (owners and admins): who asks, their memo, Approve and Decline. */
export function JoinRequests({ requests, onAnswer }: { requests: PendingJoin[]; onAnswer: (userId: string, approve: boolean) => void }) {
  const g = useGroupText();
  return (
    <section aria-labelledby="qc-group-requests">
      <h3 id="qc-group-requests" class="qc-section">
        {g('requests')}
      </h3>
      <ul class="qc-list">
        {requests.map((r) => (
          <li key={r.user.id} class="qc-person" data-request={r.user.id}>
            <Avatar user={r.user} name={r.user.displayName} />
            <span class="qc-row-main">
              <span class="qc-name" dir="auto">
                {r.user.displayName}
              </span>
              {r.memo && (
                <span class="qc-preview" dir="auto">
                  {r.memo}
                </span>
              )}
            </span>
            <span class="qc-actions">
              <button type="button" class="qc-btn qc-small" aria-label={g('approveName', { name: r.user.displayName })} onClick={() => onAnswer(r.user.id, true)}>
                {g('approve')}
              </button>
              <button type="button" class="qc-btn qc-small qc-secondary" aria-label={g('declineName', { name: r.user.displayName })} onClick={() => onAnswer(r.user.id, false)}>
                {g('decline')}
              </button>
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
