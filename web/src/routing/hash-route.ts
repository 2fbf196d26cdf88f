import { useEffect, useState } from 'react';

/** The screens, addressed by the URL's hash so a reload (or a shared link) lands on the same one. */
export type Route =
  | { readonly screen: 'home' }
  | { readonly screen: 'call'; readonly callId: string }
  | { readonly screen: 'details'; readonly callId: string };

const UUID = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';

export function parseRoute(hash: string): Route {
  const live = new RegExp(`^#/calls/(${UUID})/live$`, 'i').exec(hash);
  if (live?.[1]) return { screen: 'call', callId: live[1] };
  const details = new RegExp(`^#/calls/(${UUID})$`, 'i').exec(hash);
  if (details?.[1]) return { screen: 'details', callId: details[1] };
  return { screen: 'home' };
}

export const routes = {
  home: '#/',
  call: (callId: string) => `#/calls/${callId}/live`,
  details: (callId: string) => `#/calls/${callId}`,
};

export function navigate(hash: string): void {
  window.location.hash = hash;
}

export function useHashRoute(): Route {
  const [route, setRoute] = useState(() => parseRoute(window.location.hash));
  useEffect(() => {
    const changed = () => setRoute(parseRoute(window.location.hash));
    window.addEventListener('hashchange', changed);
    return () => window.removeEventListener('hashchange', changed);
  }, []);
  return route;
}
