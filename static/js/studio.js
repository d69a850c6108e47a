// Producer Studio behaviour (no inline scripts: CSP forbids them).
