import { EnvContext, type WidgetEnv } from '../state/context.js';
import { useStore } from '../state/use-store.js';
import { SignIn } from '../screens/sign-in.js';
import { ChatRoot } from './chat-root.js';
import { Frame } from './frame.js';

/** The whole widget: the frame, then sign-in (built-in accounts) or the signed-in shell. */
export function App({ env }: { env: WidgetEnv }) {
  return (
    <EnvContext.Provider value={env}>
      <div class="qc-root" lang={env.locale}>
        <Frame>
          <Gate env={env} />
        </Frame>
      </div>
    </EnvContext.Provider>
  );
}

function Gate({ env }: { env: WidgetEnv }) {
  const client = useStore(env.session.client, (c) => c);
  const stage = useStore(env.session.signInState, (s) => s);
  if (client) return <ChatRoot key={client} client={client} />;
  if (env.builtin && stage !== 'resuming') return <SignIn />;
  return <p class="qc-note" role="status">{env.t(env.builtin ? 'auth.resuming' : 'state.loading')}</p>;
}
