import { useEffect, useState, type FormEvent } from 'react';
import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { Role } from '../api/contract';
import { Notice } from '../components/notice';
import { useSession } from '../session/session';

interface DemoAccounts {
  readonly password: string | null;
  readonly users: ReadonlyArray<{ email: string; role: Role; displayName: string }>;
}

export function LoginScreen() {
  const { login, endedBecause } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [demo, setDemo] = useState<DemoAccounts | null>(null);

  useEffect(() => {
    new ApiClient(null)
      .get<DemoAccounts>('/auth/demo-users')
      .then(setDemo)
      .catch(() => setDemo(null));
  }, []);

  const submit = async (emailToUse: string, passwordToUse: string) => {
    setBusy(true);
    setError(null);
    try {
      await login(emailToUse, passwordToUse);
    } catch (failure) {
      setError(
        failure instanceof ApiError && failure.status === 401
          ? 'That email and password do not match an account.'
          : failure instanceof Error
            ? failure.message
            : 'Logging in failed.',
      );
    } finally {
      setBusy(false);
    }
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    void submit(email, password);
  };

  return (
    <main className="login">
      <h1>VytalWatch</h1>
      <p className="muted">Secure video visits for clinicians and patients.</p>
      {endedBecause && <Notice tone="info">{endedBecause}</Notice>}
      <form onSubmit={onSubmit} className="panel login-form" aria-label="Log in">
        <label>
          Email
          <input
            type="email"
            autoComplete="username"
            required
            value={email}
            onChange={(e) => setEmail(e.target.value)}
          />
        </label>
        <label>
          Password
          <input
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && <Notice tone="error">{error}</Notice>}
        <button type="submit" className="button-primary" disabled={busy}>
          {busy ? 'Logging in…' : 'Log in'}
        </button>
      </form>
      {demo && demo.users.length > 0 && demo.password && (
        <section className="panel" aria-labelledby="demo-heading">
          <h2 id="demo-heading">Demo accounts</h2>
          <p className="muted">
            This server runs in demo mode. Every account’s password is “{demo.password}”.
          </p>
          <ul className="demo-users">
            {demo.users.map((user) => (
              <li key={user.email}>
                <button
                  type="button"
                  className="button-secondary"
                  disabled={busy}
                  onClick={() => void submit(user.email, demo.password ?? '')}
                  aria-label={`Log in as ${user.displayName} (${user.role})`}
                >
                  <span>{user.displayName}</span>
                  <span className="muted">
                    {' '}
                    · {user.role} · {user.email}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      )}
    </main>
  );
}
