// Accounts and their roles (GET/PATCH /admin/users): find by e-mail or role, change a
// person's roles, deactivate or reactivate an account.
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";

import { api, unwrap, when, type Schemas } from "../api";
import { Badge, ErrorMessage, Field, Loading, Page, Select } from "../ui";

type Role = "customer" | "vendor" | "admin";
const ROLES: Role[] = ["customer", "vendor", "admin"];

export function AdminUsers() {
  const [draft, setDraft] = useState({ email: "", role: "" });
  const [filters, setFilters] = useState(draft);
  const users = useQuery({
    queryKey: ["admin", "users", filters],
    queryFn: async () =>
      unwrap(
        await api.GET("/api/v1/admin/users", {
          params: {
            query: {
              limit: 50,
              ...(filters.email ? { email: filters.email } : {}),
              ...(filters.role ? { role: filters.role as Role } : {}),
            },
          },
        }),
      ),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setFilters(draft);
  };
  return (
    <Page title="Users and roles">
      <form className="inline-form" onSubmit={submit} aria-label="Find accounts">
        <Field
          label="E-mail starts with"
          value={draft.email}
          onChange={(e) => setDraft({ ...draft, email: e.target.value })}
        />
        <Select
          label="Role"
          value={draft.role}
          onChange={(role) => setDraft({ ...draft, role })}
          options={[{ value: "", label: "Any" }, ...ROLES.map((r) => ({ value: r, label: r }))]}
        />
        <button type="submit">Find</button>
      </form>
      {users.isPending ? <Loading what="accounts" /> : null}
      <ErrorMessage error={users.error} />
      {users.data && users.data.items.length === 0 ? <p>No accounts.</p> : null}
      {users.data && users.data.items.length > 0 ? (
        <div className="table-wrap">
          <table>
            <thead>
              <tr>
                <th scope="col">E-mail</th>
                <th scope="col">Since</th>
                <th scope="col">Two-factor</th>
                <th scope="col">Roles</th>
                <th scope="col">Account</th>
              </tr>
            </thead>
            <tbody>
              {users.data.items.map((user) => (
                <UserRow key={user.id} user={user} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </Page>
  );
}

function UserRow({ user }: { user: Schemas["AdminUserOut"] }) {
  const queries = useQueryClient();
  const [roles, setRoles] = useState<Role[]>(user.roles.filter((r): r is Role => ROLES.includes(r as Role)));
  const update = useMutation({
    mutationFn: async (body: Schemas["AdminUserPatch"]) =>
      unwrap(
        await api.PATCH("/api/v1/admin/users/{user_id}", {
          params: { path: { user_id: user.id } },
          body,
        }),
      ),
    onSuccess: () => queries.invalidateQueries({ queryKey: ["admin", "users"] }),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ roles });
  };
  return (
    <tr>
      <th scope="row">
        {user.email}
        {user.full_name ? <div className="muted">{user.full_name}</div> : null}
      </th>
      <td>{when(user.created_at)}</td>
      <td>{user.mfa_enabled ? "on" : "off"}</td>
      <td>
        <form onSubmit={submit} aria-label={`Roles of ${user.email}`}>
          <fieldset className="roles">
            <legend className="visually-hidden">Roles of {user.email}</legend>
            {ROLES.map((role) => (
              <label key={role} className="check">
                <input
                  type="checkbox"
                  checked={roles.includes(role)}
                  onChange={(e) =>
                    setRoles(e.target.checked ? [...roles, role] : roles.filter((r) => r !== role))
                  }
                />{" "}
                {role}
              </label>
            ))}
            <button type="submit" className="secondary" disabled={update.isPending}>
              Save roles
            </button>
          </fieldset>
        </form>
        <ErrorMessage error={update.error} />
      </td>
      <td>
        <div className="actions">
          <Badge value={user.is_active ? "active" : "inactive"} />
          <button
            type="button"
            className="secondary"
            disabled={update.isPending}
            onClick={() => update.mutate({ is_active: !user.is_active })}
          >
            {user.is_active ? "Deactivate" : "Reactivate"}
            <span className="visually-hidden"> {user.email}</span>
          </button>
        </div>
      </td>
    </tr>
  );
}
