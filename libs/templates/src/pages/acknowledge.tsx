import type { PolicyFacts } from '../mail/acknowledgement-mail';
import { renderPage } from '../render';
import { Layout } from './layout';

/** The page a person reaches from their acknowledgement mail: the policy, and one button. */
export function acknowledgePage(policy: PolicyFacts, person: { name: string; email: string }, done?: { at: Date; version: string }): string {
  return renderPage(
    <Layout title={`${policy.title} ${policy.version}`}>
      <h1>{policy.title}</h1>
      <p class="muted">
        {policy.documentId}, version {policy.version}
      </p>
      {policy.link && (
        <p>
          <a href={policy.link} rel="noreferrer">
            Read the policy
          </a>
        </p>
      )}
      <p class="pre">{policy.summary}</p>
      {done ? (
        <div class="ok" role="status">
          <h2>Thank you, {person.name}</h2>
          <p>
            Your acknowledgement of version {done.version} was recorded on {done.at.toUTCString()}.
          </p>
        </div>
      ) : (
        <form method="post">
          <p>
            I, {person.name} ({person.email}), have read and understood this policy and will follow it.
          </p>
          <button type="submit">I acknowledge</button>
        </form>
      )}
    </Layout>,
  );
}
