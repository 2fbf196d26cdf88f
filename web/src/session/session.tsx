import {
  createContext,
  useCallback,
  useContext,
  useEffect,
  useMemo,
  useState,
  type ReactNode,
} from 'react';
import { resumePendingRecordingUploads } from '../recording-upload/resume-pending-uploads';
import { ApiClient } from '../api/api-client';
import { ApiError } from '../api/api-error';
import type { LoginResponse, RefreshResponse, User } from '../api/contract';
import { SignalingClient } from '../signaling/signaling-client';
import { refreshDelayMs, retryDelayMs, tokenExpiresAtMs } from './refresh-schedule';

const STORAGE_KEY = 'vytalwatch.session';

interface StoredSession {
  readonly token: string;
  /** Absent when the server keeps no login sessions: the token then simply runs out. */
  readonly refreshToken?: string;
  readonly user: User;
}

export interface Session {
  readonly user: User | null;
  readonly api: ApiClient;
  /** Present while logged in as a provider or patient (the only ones who take calls). */
  readonly signaling: SignalingClient | null;
  /** Why the last session ended without a logout (shown on the login screen); else null. */
  readonly endedBecause: string | null;
  login(email: string, password: string): Promise<void>;
  logout(): void;
}

const SessionContext = createContext<Session | null>(null);

function read(): StoredSession | null {
  const stored = localStorage.getItem(STORAGE_KEY);
  if (!stored) return null;
  try {
    return JSON.parse(stored) as StoredSession;
  } catch {
    // A damaged entry is the same as none.
    return null;
  }
}

function restore(): StoredSession | null {
  const session = read();
  if (session && tokenExpiresAtMs(session.token) > Date.now()) return session;
  localStorage.removeItem(STORAGE_KEY);
  return null;
}

/**
 * Tabs of one session share its refresh token, which works once: they refresh one at a time,
 * and a tab that finds a newer pair stored by another takes it instead of spending its own.
 */
function oneTabAtATime<T>(run: () => Promise<T>): Promise<T> {
  const locks = typeof navigator === 'undefined' ? undefined : navigator.locks;
  return locks ? (locks.request('vytalwatch.session.refresh', run) as Promise<T>) : run();
}

interface TokenPair {
  readonly token: string;
  readonly refreshToken: string;
}

async function refreshed(user: User, current: TokenPair): Promise<TokenPair> {
  return oneTabAtATime(async () => {
    const latest = read();
    if (
      latest?.user.id === user.id &&
      latest.refreshToken &&
      latest.refreshToken !== current.refreshToken
    ) {
      return { token: latest.token, refreshToken: latest.refreshToken };
    }
    const next = await new ApiClient(null).post<RefreshResponse>('/auth/refresh', {
      refreshToken: current.refreshToken,
    });
    const pair = { token: next.accessToken, refreshToken: next.refreshToken };
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ ...pair, user: next.user }));
    return pair;
  });
}

const ENDED = 'Your session has ended. Please log in again.';

/**
 * The logged-in user, their API client and their one signaling connection. The access token is
 * renewed silently before it expires (`POST /auth/refresh`), on the API client and on the live
 * socket alike, so a long call is never cut; the session (and with it the socket) stays the
 * same object throughout. When the server ends it (expiry, logout elsewhere, deactivation) the
 * user is back at the login screen with a word on why.
 */
export function SessionProvider({ children }: { children: ReactNode }) {
  // Set at login (or restore) only: a refresh renews tokens inside the objects made from it.
  const [stored, setStored] = useState<StoredSession | null>(restore);
  const [endedBecause, setEndedBecause] = useState<string | null>(null);

  const logout = useCallback(() => {
    const latest = read();
    // Ends the session on the server too (its other tabs and sockets with it), where it has one.
    if (latest?.refreshToken) {
      void new ApiClient(latest.token).post('/auth/logout').catch(() => undefined);
    }
    localStorage.removeItem(STORAGE_KEY);
    setStored(null);
  }, []);

  const end = useCallback((message: string) => {
    localStorage.removeItem(STORAGE_KEY);
    setEndedBecause(message);
    setStored(null);
  }, []);

  const api = useMemo(() => new ApiClient(stored?.token ?? null, () => end(ENDED)), [stored, end]);

  const signaling = useMemo(
    () =>
      stored && (stored.user.role === 'provider' || stored.user.role === 'patient')
        ? new SignalingClient(stored.token)
        : null,
    [stored],
  );
  useEffect(() => () => signaling?.close(), [signaling]);
  // Recordings an earlier page kept (a reload mid-upload): only a clinician's browser has any.
  useEffect(() => {
    if (stored?.user.role === 'provider') void resumePendingRecordingUploads(api);
  }, [api, stored]);
  useEffect(() => signaling?.onEnded(end), [signaling, end]);

  useEffect(() => {
    if (!stored?.refreshToken) return;
    const user = stored.user;
    let current: TokenPair = { token: stored.token, refreshToken: stored.refreshToken };
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const schedule = (delay: number) => {
      timer = setTimeout(() => void renew(), delay);
    };
    const renew = async () => {
      try {
        const next = await refreshed(user, current);
        if (stopped) return;
        current = next;
        api.setToken(next.token);
        await signaling?.renewToken(next.token);
        if (!stopped) schedule(refreshDelayMs(tokenExpiresAtMs(next.token), Date.now()));
      } catch (error) {
        if (stopped) return;
        const retry = retryDelayMs(tokenExpiresAtMs(current.token), Date.now());
        // 401: the refresh token is spent or its session ended; anything else may pass.
        if (error instanceof ApiError && error.status === 401) end(ENDED);
        else if (retry === null) end('Your session expired. Please log in again.');
        else schedule(retry);
      }
    };
    schedule(refreshDelayMs(tokenExpiresAtMs(current.token), Date.now()));
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [stored, api, signaling, end]);

  const login = useCallback(async (email: string, password: string) => {
    const response = await new ApiClient(null).post<LoginResponse>('/auth/login', {
      email,
      password,
    });
    const session: StoredSession = {
      token: response.accessToken,
      ...(response.refreshToken ? { refreshToken: response.refreshToken } : {}),
      user: response.user,
    };
    localStorage.setItem(STORAGE_KEY, JSON.stringify(session));
    setEndedBecause(null);
    setStored(session);
  }, []);

  const value = useMemo<Session>(
    () => ({ user: stored?.user ?? null, api, signaling, endedBecause, login, logout }),
    [stored, api, signaling, endedBecause, login, logout],
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
