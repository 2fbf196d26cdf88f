import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { ApiClient } from '../api/api-client';
import type { LoginResponse, User } from '../api/contract';
import { SignalingClient } from '../signaling/signaling-client';

const STORAGE_KEY = 'vytalwatch.session';

interface StoredSession {
  readonly token: string;
  readonly user: User;
}

export interface Session {
  readonly user: User | null;
  readonly api: ApiClient;
  /** Present while logged in as a provider or patient (the only ones who take calls). */
  readonly signaling: SignalingClient | null;
  login(email: string, password: string): Promise<void>;
  logout(): void;
}

const SessionContext = createContext<Session | null>(null);

/** The token's `exp` (seconds), read without verifying: only to drop a session that ran out. */
function expiresAt(token: string): number {
  try {
    const payload = JSON.parse(atob(token.split('.')[1] ?? '')) as { exp?: number };
    return payload.exp ?? 0;
  } catch {
    return 0;
  }
}

function restore(): StoredSession | null {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (!stored) return null;
  try {
    const session = JSON.parse(stored) as StoredSession;
    if (expiresAt(session.token) * 1000 > Date.now()) return session;
  } catch {
    // A damaged entry is the same as none.
  }
  localStorage.removeItem(STORAGE_KEY);
  return null;
}

export function SessionProvider({ children }: { children: ReactNode }) {
  const [stored, setStored] = useState<StoredSession | null>(restore);

  const logout = useCallback(() => {
    localStorage.removeItem(STORAGE_KEY);
    setStored(null);
  }, []);

  const api = useMemo(() => new ApiClient(stored?.token ?? null, logout), [stored, logout]);

  const signaling = useMemo(
    () =>
      stored && (stored.user.role === 'provider' || stored.user.role === 'patient')
        ? new SignalingClient(stored.token)
        : null,
    [stored],
  );
  useEffect(() => () => signaling?.close(), [signaling]);

  const login = useCallback(async (email: string, password: string) => {
    const response = await new ApiClient(null).post<LoginResponse>('/auth/login', {
      email,
      password,
    });
    const session = { token: response.accessToken, user: response.user };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    setStored(session);
  }, []);

  const value = useMemo<Session>(
    () => ({ user: stored?.user ?? null, api, signaling, login, logout }),
    [stored, api, signaling, login, logout],
  );
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside SessionProvider');
  return session;
}

/** For screens that only render when logged in. */
export function useUser(): User {
  const { user } = useSession();
  if (!user) throw new Error('a logged-in screen rendered without a user');
  return user;
}
