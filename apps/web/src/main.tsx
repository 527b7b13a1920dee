// The global base first: feature styles, imported by their components, come after it.
import './styles.css';
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { MutationCache, QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { RouterProvider } from 'react-router';
import { ApiError } from './api';
import { meKey } from './lib/queries';
import { router } from './app';
import { ToastProvider } from './components/toast';

// A 401 from any call means the session ended (expired, logged out elsewhere): forget the
// session so the route guard sends the user to /login?next=… instead of showing errors.
function onAnyError(error: unknown) {
  if (error instanceof ApiError && error.status === 401) {
    queryClient.setQueryData(meKey, null);
  }
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onAnyError }),
  // A failed login also answers 401; clearing an already-empty session is harmless there.
  mutationCache: new MutationCache({ onError: onAnyError }),
  defaultOptions: {
    queries: {
      staleTime: 30_000,
      refetchOnWindowFocus: true,
      retry: (count, error) =>
        !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
    },
  },
});

const root = document.getElementById('root');
if (!root) throw new Error('index.html is missing #root');

createRoot(root).render(
  <StrictMode>
    <QueryClientProvider client={queryClient}>
      <ToastProvider>
        <RouterProvider router={router} />
      </ToastProvider>
    </QueryClientProvider>
  </StrictMode>,
);
