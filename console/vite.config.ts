// The console's build: `agora-ops console` (or `make console`) runs `vite build`, which
// writes dist/ for the gateway to serve at /console/ (ADR 0106). No inline script or
// style ends up in index.html: the gateway's Content-Security-Policy refuses them.
import react from "@vitejs/plugin-react";
import { defineConfig } from "vite";

export default defineConfig({
  base: "/console/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    assetsInlineLimit: 0,
    chunkSizeWarningLimit: 1024,
  },
  server: {
    // `npm run dev`: the API of a running `make run` at the same origin.
    proxy: { "/api": "http://127.0.0.1:8000", "/media": "http://127.0.0.1:8000" },
  },
});
