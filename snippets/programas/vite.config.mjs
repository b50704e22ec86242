// vite.config.mjs: o servidor de desenvolvimento repassa /api à API em Python.
export default {
  clearScreen: false,
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": "http://localhost:8000",
    },
  },
};
