// vite.config.mjs corrigido: o alvo do proxy é o endereço em que a API escuta.
export default {
  clearScreen: false,
  server: {
    host: "127.0.0.1",
    port: 5173,
    strictPort: true,
    proxy: {
      "/api": "http://127.0.0.1:8000",
    },
  },
};
