"""The inner loop: reuse the engine and the synth, rerun tests, hot-swap handler code, redeploy changes."""
