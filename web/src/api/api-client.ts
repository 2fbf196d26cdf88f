import { ApiError } from './api-error';

export interface RequestOptions {
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  /** A raw body (a recording upload) sent as is with its own content type. */
  readonly blob?: Blob;
}

/**
 * Calls the REST API of the same origin with the session's bearer token. It remembers the ledger
 * position of the last command it sent, so `getFresh` reads its own writes (`?minPosition=`).
 */
export class ApiClient {
  private lastPosition: string | null = null;

  constructor(
    private token: string | null,
    private readonly onUnauthorized: () => void = () => undefined,
  ) {}

  /** The session's newer access token (after a refresh); later requests carry it. */
  setToken(token: string): void {
    this.token = token;
  }

  get<T>(path: string): Promise<T> {
    return this.request<T>('GET', path);
  }

  /** A query that waits until the read models include this session's last command. */
  getFresh<T>(path: string): Promise<T> {
    if (!this.lastPosition) return this.get<T>(path);
    const separator = path.includes('?') ? '&' : '?';
    return this.get<T>(`${path}${separator}minPosition=${encodeURIComponent(this.lastPosition)}`);
  }

  post<T>(path: string, body: unknown = {}, headers?: Record<string, string>): Promise<T> {
    return this.request<T>('POST', path, { body, headers });
  }

  async request<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const response = await this.send(method, path, options);
    if (response.status === 204) return undefined as T;
    const body = (await response.json()) as T;
    const position = (body as { position?: unknown } | null)?.position;
    if (method !== 'GET' && typeof position === 'string') this.lastPosition = position;
    return body;
  }

  /** The raw response of a successful request (media downloads). */
  async fetch(path: string): Promise<Response> {
    return this.send('GET', path, {});
  }

  private async send(method: string, path: string, options: RequestOptions): Promise<Response> {
    const headers: Record<string, string> = { Accept: 'application/json', ...options.headers };
    if (this.token) headers['Authorization'] = `Bearer ${this.token}`;
    let body: BodyInit | undefined;
    if (options.blob) {
      body = options.blob;
      headers['Content-Type'] = options.blob.type || 'application/octet-stream';
    } else if (options.body !== undefined && method !== 'GET') {
      body = JSON.stringify(options.body);
      headers['Content-Type'] = 'application/json';
    }
    let response: Response;
    try {
      response = await fetch(path, { method, headers, body });
    } catch {
      throw ApiError.network();
    }
    if (response.ok) return response;
    const problem = (await response.json().catch(() => ({}))) as Record<string, unknown>;
    if (response.status === 401 && this.token) this.onUnauthorized();
    throw new ApiError(
      response.status,
      typeof problem['code'] === 'string' ? problem['code'] : `HTTP_${response.status}`,
      typeof problem['message'] === 'string' ? problem['message'] : response.statusText,
      problem,
    );
  }
}
