// The audit log (GET /admin/audit): who did what to which resource, when, with the
// change, newest first, filtered and paged by cursor.
import { useState, type FormEvent } from "react";

import { api, unwrap, when } from "../api";
import { Field, Page, PagedTable, usePaged } from "../ui";

interface Filters {
  action: string;
  actor: string;
  resource_type: string;
}

export function AdminAudit() {
  const [draft, setDraft] = useState<Filters>({ action: "", actor: "", resource_type: "" });
  const [filters, setFilters] = useState<Filters>(draft);
  const entries = usePaged(["admin", "audit", filters], async (cursor) => {
    const query = Object.fromEntries(Object.entries(filters).filter(([, v]) => v !== ""));
    return unwrap(
      await api.GET("/api/v1/admin/audit", {
        params: { query: { ...query, limit: 50, ...(cursor ? { cursor } : {}) } },
      }),
    );
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  return (
    <Page title="Audit log">
      <form className="inline-form" onSubmit={submit} aria-label="Filter the audit log">
        <Field
          label="Action"
          placeholder="vendor.approved"
          value={draft.action}
          onChange={(e) => setDraft({ ...draft, action: e.target.value })}
        />
        <Field
          label="Actor id"
          value={draft.actor}
          onChange={(e) => setDraft({ ...draft, actor: e.target.value })}
        />
        <Field
          label="Resource type"
          placeholder="vendor"
          value={draft.resource_type}
          onChange={(e) => setDraft({ ...draft, resource_type: e.target.value })}
        />
        <button type="submit">Filter</button>
      </form>
      <PagedTable
        paged={entries}
        what="the audit log"
        empty="No entries."
        more="Older entries"
        columns={["When", "Who", "Action", "Resource", "Change", "Request"]}
        row={(entry) => (
          <tr key={entry.id}>
            <td>{when(entry.occurred_at)}</td>
            <td>
              {entry.actor_role ?? "system"}{" "}
              <code>{entry.actor_id ? entry.actor_id.slice(0, 8) : ""}</code>
            </td>
            <td>
              <code>{entry.action}</code>
            </td>
            <td>
              {entry.resource_type} <code>{entry.resource_id.slice(0, 8)}</code>
            </td>
            <td>
              <details>
                <summary>before / after</summary>
                <pre>{JSON.stringify({ before: entry.before, after: entry.after }, null, 2)}</pre>
              </details>
            </td>
            <td>
              <code>{entry.request_id ?? "—"}</code>
            </td>
          </tr>
        )}
      />
    </Page>
  );
}
