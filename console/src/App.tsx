import type { ReactNode } from "react";
import { NavLink, Navigate, Route, Routes } from "react-router-dom";

import { AdminAnalytics } from "./pages/AdminAnalytics";
import { AdminAudit } from "./pages/AdminAudit";
import { AdminCoupons } from "./pages/AdminCoupons";
import { AdminPayments } from "./pages/AdminPayments";
import { AdminUsers } from "./pages/AdminUsers";
import { AdminVendors } from "./pages/AdminVendors";
import { SignIn } from "./pages/SignIn";
import { VendorDashboard } from "./pages/VendorDashboard";
import { VendorOrders } from "./pages/VendorOrders";
import { VendorPayouts } from "./pages/VendorPayouts";
import { VendorProducts } from "./pages/VendorProducts";
import { VendorStore } from "./pages/VendorStore";
import { Webhooks } from "./pages/Webhooks";
import { useSession } from "./session";
import { Loading } from "./ui";

const VENDOR_LINKS = [
  ["/vendor", "Dashboard"],
  ["/vendor/store", "Store"],
  ["/vendor/products", "Products"],
  ["/vendor/orders", "Orders"],
  ["/vendor/payouts", "Payouts"],
  ["/webhooks", "Webhooks"],
] as const;
const ADMIN_LINKS = [
  ["/admin/vendors", "Vendor approvals"],
  ["/admin/users", "Users"],
  ["/admin/payments", "Payments"],
  ["/admin/coupons", "Coupons"],
  ["/admin/audit", "Audit log"],
  ["/admin/analytics", "Analytics"],
] as const;

// Vendors see them in their links; an admin who is no vendor, with the admin links.
const WEBHOOKS = VENDOR_LINKS.slice(-1);

export function App() {
  const { user, loading, signOut } = useSession();
  if (loading) return <Loading what="your account" />;
  if (user === null) {
    return (
      <main id="main">
        <SignIn />
      </main>
    );
  }
  const vendor = user.roles.includes("vendor");
  const admin = user.roles.includes("admin");
  const home = admin && !vendor ? "/admin/vendors" : vendor ? "/vendor" : "/vendor/store";
  return (
    <>
      <a className="skip" href="#main">
        Skip to content
      </a>
      <header className="top">
        <span className="brand">Agora console</span>
        <nav aria-label="Console">
          <ul>
            {(vendor ? VENDOR_LINKS : VENDOR_LINKS.slice(1, 2)).map(([to, label]) => (
              <li key={to}>
                <NavLink to={to} end>
                  {label}
                </NavLink>
              </li>
            ))}
            {admin
              ? [...ADMIN_LINKS, ...(vendor ? [] : WEBHOOKS)].map(([to, label]) => (
                  <li key={to}>
                    <NavLink to={to}>{label}</NavLink>
                  </li>
                ))
              : null}
          </ul>
        </nav>
        <span className="who">
          {user.email}{" "}
          <button type="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </span>
      </header>
      <main id="main">
        <Routes>
          <Route path="/" element={<Navigate to={home} replace />} />
          <Route path="/vendor/store" element={<VendorStore />} />
          <Route path="/vendor" element={<Only when={vendor}><VendorDashboard /></Only>} />
          <Route path="/vendor/products" element={<Only when={vendor}><VendorProducts /></Only>} />
          <Route path="/vendor/orders" element={<Only when={vendor}><VendorOrders /></Only>} />
          <Route path="/vendor/payouts" element={<Only when={vendor}><VendorPayouts /></Only>} />
          <Route path="/admin/vendors" element={<Only when={admin}><AdminVendors /></Only>} />
          <Route path="/admin/users" element={<Only when={admin}><AdminUsers /></Only>} />
          <Route path="/webhooks" element={<Only when={vendor || admin}><Webhooks /></Only>} />
          <Route path="/admin/payments" element={<Only when={admin}><AdminPayments /></Only>} />
          <Route path="/admin/coupons" element={<Only when={admin}><AdminCoupons /></Only>} />
          <Route path="/admin/audit" element={<Only when={admin}><AdminAudit /></Only>} />
          <Route path="/admin/analytics" element={<Only when={admin}><AdminAnalytics /></Only>} />
          <Route path="*" element={<Navigate to={home} replace />} />
        </Routes>
      </main>
    </>
  );
}

function Only({ when, children }: { when: boolean; children: ReactNode }) {
  if (!when) {
    return (
      <p role="alert" className="error">
        Your account does not have the role this page needs. If an admin approved your store
        just now, sign out and in again.
      </p>
    );
  }
  return <>{children}</>;
}
