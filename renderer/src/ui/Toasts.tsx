import { createContext, useCallback, useContext, useEffect, useRef, useState, type ReactNode } from 'react';

export interface Toast {
  readonly id: number;
  readonly text: string;
  readonly action?: { readonly label: string; readonly run: () => void };
  readonly tone?: 'info' | 'error';
}

type Show = (t: Omit<Toast, 'id'>, ms?: number) => void;
const Ctx = createContext<Show>(() => undefined);

export function useToast(): Show {
  return useContext(Ctx);
}

/** Messages at the bottom of the window, read out by screen readers; an action (Undo) stays until it times out. */
export function ToastHost({ children }: { children: ReactNode }) {
  const [toasts, setToasts] = useState<Toast[]>([]);
  const next = useRef(1);
  const show = useCallback<Show>((t, ms = 5000) => {
    const id = next.current++;
    setToasts((all) => [...all, { ...t, id }]);
    setTimeout(() => setToasts((all) => all.filter((x) => x.id !== id)), ms);
  }, []);
  return (
    <Ctx.Provider value={show}>
      {children}
      <div className="toasts" role="status" aria-live="polite">
        {toasts.map((t) => (
          <ToastView key={t.id} toast={t} dismiss={() => setToasts((all) => all.filter((x) => x.id !== t.id))} />
        ))}
      </div>
    </Ctx.Provider>
  );
}

function ToastView({ toast, dismiss }: { toast: Toast; dismiss: () => void }) {
  const ref = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (toast.action) ref.current?.focus();
  }, [toast.action]);
  return (
    <div className={`toast ${toast.tone === 'error' ? 'toast-error' : ''}`}>
      <span>{toast.text}</span>
      {toast.action && (
        <button
          ref={ref}
          type="button"
          onClick={() => {
            toast.action?.run();
            dismiss();
          }}
        >
          {toast.action.label}
        </button>
      )}
      <button type="button" className="plain" aria-label="Dismiss" onClick={dismiss}>
        ×
      </button>
    </div>
  );
}
