// Small shared pieces: labelled fields, error and status messages, a page frame, a
// cursor-paged list, a table, and a step that asks before doing what cannot be undone.
import { useInfiniteQuery, type QueryKey, type UseInfiniteQueryResult } from "@tanstack/react-query";
import { useEffect, useId, useRef, type InputHTMLAttributes, type ReactNode } from "react";

export function Page({ title, children }: { title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = `${title} · Agora console`;
    heading.current?.focus(); // screen readers hear the new page; keyboard starts here
  }, [title]);
  return (
    <section aria-labelledby="page-title">
      <h1 id="page-title" tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children}
    </section>
  );
}

type FieldProps = InputHTMLAttributes<HTMLInputElement> & { label: string; hint?: string };

export function Field({ label, hint, ...input }: FieldProps) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} aria-describedby={hint ? `${id}-hint` : undefined} {...input} />
      {hint ? (
        <small id={`${id}-hint`} className="hint">
          {hint}
        </small>
      ) : null}
    </div>
  );
}

export function Select({
  label,
  value,
  onChange,
  options,
  required,
}: {
  label: string;
  value: string;
  onChange: (value: string) => void;
  options: { value: string; label: string }[];
  required?: boolean;
}) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} required={required} onChange={(e) => onChange(e.target.value)}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

export function ErrorMessage({ error }: { error: unknown }) {
  if (error === null || error === undefined) return null;
  const text = error instanceof Error ? error.message : String(error);
  return (
    <p className="error" role="alert">
      {text}
    </p>
  );
}

export function Loading({ what }: { what: string }) {
  return (
    <p className="muted" role="status">
      Loading {what}…
    </p>
  );
}

export function Badge({ value }: { value: string }) {
  return <span className={`badge badge-${value.replace(/[^a-z_]/g, "")}`}>{value}</span>;
}

interface ApiPage<T> {
  items: T[];
  next_cursor?: string | null;
}

/** A cursor-paged list of the API (`limit`, `cursor` -> `items`, `next_cursor`): the
 * rows of the pages fetched so far, and the query to fetch the next. */
export function usePaged<T>(key: QueryKey, fetchPage: (cursor: string | null) => Promise<ApiPage<T>>) {
  const query = useInfiniteQuery({
    queryKey: key,
    initialPageParam: null as string | null,
    queryFn: ({ pageParam }) => fetchPage(pageParam),
    getNextPageParam: (page) => page.next_cursor ?? null,
  });
  return { query, rows: query.data?.pages.flatMap((page) => page.items) ?? [] };
}

/** A paged list's states: loading, its error, empty, then its rows in a table with
 * the named columns, and a button for the next page while there is one. */
export function PagedTable<T>({
  paged,
  what,
  empty,
  more,
  columns,
  caption,
  row,
}: {
  paged: { query: UseInfiniteQueryResult<unknown>; rows: T[] };
  what: string;
  empty: string;
  more: string;
  columns: string[];
  caption?: string;
  row: (item: T) => ReactNode;
}) {
  const { query, rows } = paged;
  return (
    <>
      {query.isPending ? <Loading what={what} /> : null}
      <ErrorMessage error={query.error} />
      {query.isSuccess && rows.length === 0 ? <p>{empty}</p> : null}
      {rows.length > 0 ? (
        <Table columns={columns} caption={caption}>
          {rows.map(row)}
        </Table>
      ) : null}
      {query.hasNextPage ? (
        <button
          type="button"
          className="secondary"
          onClick={() => void query.fetchNextPage()}
          disabled={query.isFetchingNextPage}
        >
          {more}
        </button>
      ) : null}
    </>
  );
}

export function Table({
  columns,
  caption,
  children,
}: {
  columns: string[];
  caption?: string;
  children: ReactNode;
}) {
  return (
    <div className="table-wrap">
      <table>
        {caption ? <caption>{caption}</caption> : null}
        <thead>
          <tr>
            {columns.map((column) => (
              <th scope="col" key={column}>
                {column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}

/** The question before an act that cannot be undone, with the button that does it
 * (focused, so Enter confirms and Tab reaches Cancel) and one that steps back. */
export function Confirm({
  question,
  confirm,
  pending,
  onConfirm,
  onCancel,
}: {
  question: string;
  confirm: string;
  pending?: boolean;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  const id = useId();
  return (
    <div role="alertdialog" aria-labelledby={id} className="confirm">
      <p id={id}>{question}</p>
      <div className="actions">
        <button type="button" className="danger" autoFocus disabled={pending} onClick={onConfirm}>
          {confirm}
        </button>
        <button type="button" className="secondary" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </div>
  );
}
