import { AppHeader } from './components/app-header';
import { useHashRoute } from './routing/hash-route';
import { AnalystScreen } from './screens/analyst-screen';
import { AuditorScreen } from './screens/auditor-screen';
import { CallDetailsScreen } from './screens/call-details-screen';
import { ClinicianHome } from './screens/clinician-home';
import { InCallScreen } from './screens/in-call-screen';
import { LoginScreen } from './screens/login-screen';
import { PatientHome } from './screens/patient-home';
import { SessionProvider, useSession } from './session/session';

function Home() {
  const { user } = useSession();
  switch (user?.role) {
    case 'provider':
      return <ClinicianHome />;
    case 'patient':
      return <PatientHome />;
    case 'auditor':
    case 'admin':
      return <AuditorScreen />;
    case 'analyst':
      return <AnalystScreen />;
    default:
      return null;
  }
}

function Screens() {
  const { user } = useSession();
  const route = useHashRoute();
  if (!user) return <LoginScreen />;
  return (
    <>
      <AppHeader />
      {route.screen === 'call' && <InCallScreen key={route.callId} callId={route.callId} />}
      {route.screen === 'details' && <CallDetailsScreen key={route.callId} callId={route.callId} />}
      {route.screen === 'home' && <Home />}
    </>
  );
}

export function App() {
  return (
    <SessionProvider>
      <Screens />
    </SessionProvider>
  );
}
