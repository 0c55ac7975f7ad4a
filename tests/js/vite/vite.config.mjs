// Build of the scratch consumer (make test-js copies this folder to
// target/vite-consumer). Top-level await needs an es2022 target.
export default {
  logLevel: "warn",
  build: { target: "es2022" },
};
