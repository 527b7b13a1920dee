import type { ReactNode } from 'react';
import { Button } from './button';
import { PlusIcon } from './icons';
import { useToast } from './toast';
import './coming-soon.css';

/**
 * The primary call-to-action of a feature whose API has not shipped yet. It stays a real,
 * focusable button and says plainly what happens next instead of failing silently.
 */
export function ComingSoonButton({
  children,
  feature,
  testId,
}: {
  children: ReactNode;
  feature: string;
  testId?: string;
}) {
  const toast = useToast();
  return (
    <Button
      variant="primary"
      icon={<PlusIcon size={16} />}
      data-testid={testId}
      onClick={() =>
        toast.info(`${feature} is not available in this build yet. It arrives in the next release.`)
      }
    >
      {children}
    </Button>
  );
}

export function Steps({ steps }: { steps: { title: string; text: ReactNode }[] }) {
  return (
    <ol className="steps">
      {steps.map((s, i) => (
        <li key={s.title} className="step">
          <span className="step-number" aria-hidden="true">
            {i + 1}
          </span>
          <div>
            <p className="step-title">{s.title}</p>
            <p className="step-text">{s.text}</p>
          </div>
        </li>
      ))}
    </ol>
  );
}
