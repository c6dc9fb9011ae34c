// A browser-less operator for the console's HTTP tests (gateway/console/README.md): keeps its
// cookies like a browser would, never follows redirects (tests assert them), posts urlencoded
// forms, and reads the CSRF token out of the page it was given.
export interface ConsoleResponse {
  status: number;
  location: string | null;
  text: string;
  setCookies: string[];
}

export const DEV_PASSWORDS: Readonly<Record<string, string>> = {
  'operator-dev': 'operator-dev-2026',
  'operator-dev-2': 'operator-dev-2-2026',
  'operator-readonly': 'readonly-dev-2026',
};

export class ConsoleClient {
  readonly cookies = new Map<string, string>();
  readonly base: string;

  constructor(base: string) {
    this.base = base;
  }

  #cookieHeader(): string {
    return [...this.cookies].map(([k, v]) => `${k}=${v}`).join('; ');
  }

  async request(
    method: string,
    path: string,
    options: { body?: string; headers?: Record<string, string> } = {},
  ): Promise<ConsoleResponse> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      redirect: 'manual',
      headers: { cookie: this.#cookieHeader(), ...options.headers },
      body: options.body,
    });
    const setCookies = res.headers.getSetCookie();
    for (const line of setCookies) {
      const [pair] = line.split(';');
      const eq = pair!.indexOf('=');
      const name = pair!.slice(0, eq);
      const value = pair!.slice(eq + 1);
      if (value === '' || /max-age=0/i.test(line)) this.cookies.delete(name);
      else this.cookies.set(name, value);
    }
    return {
      status: res.status,
      location: res.headers.get('location'),
      text: await res.text(),
      setCookies,
    };
  }

  get(path: string): Promise<ConsoleResponse> {
    return this.request('GET', path);
  }

  post(
    path: string,
    form: Record<string, string>,
    headers: Record<string, string> = {},
  ): Promise<ConsoleResponse> {
    return this.request('POST', path, {
      body: new URLSearchParams(form).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
    });
  }

  /**
   * A form posted, and the page its 303 leads to, as a browser goes (an unmasked reading is shown
   * by the GET its POST redirects to); any other answer as it came.
   */
  async postThenGet(path: string, form: Record<string, string>): Promise<ConsoleResponse> {
    const posted = await this.post(path, form);
    if (posted.status !== 303 || !posted.location) return posted;
    return this.get(posted.location);
  }

  /** The `_csrf` value of the first form on a page. */
  static csrfOf(page: string): string {
    const m = /name="_csrf" value="([^"]+)"/.exec(page);
    if (!m) throw new Error('no _csrf field on the page');
    return m[1]!;
  }

  /**
   * A client at `base` signed in as `operator` (a development operator's password by default);
   * throws unless the sign-in answered 303, so a test's setup fails where the sign-in did.
   */
  static async signedIn(
    base: string,
    operator: string,
    password = DEV_PASSWORDS[operator] ?? '',
  ): Promise<ConsoleClient> {
    const client = new ConsoleClient(base);
    const res = await client.signIn(operator, password);
    if (res.status !== 303) throw new Error(`signing in ${operator} answered ${res.status}`);
    return client;
  }

  /** Opens the sign-in page and posts the form; answers the POST's response. */
  async signIn(
    operator: string,
    password = DEV_PASSWORDS[operator] ?? '',
  ): Promise<ConsoleResponse> {
    const form = await this.get('/console/sign-in');
    return this.post('/console/sign-in', {
      _csrf: ConsoleClient.csrfOf(form.text),
      next: '/console/',
      operator,
      password,
    });
  }

  /** The session's CSRF token, read from a signed-in page. */
  async csrf(): Promise<string> {
    const home = await this.get('/console/');
    if (home.status !== 200) throw new Error(`not signed in: /console/ answered ${home.status}`);
    return ConsoleClient.csrfOf(home.text);
  }
}
