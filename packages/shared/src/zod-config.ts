import { z } from 'zod';

// Plain words for the two messages every form shows most; the rest keep zod's defaults.
z.config({
  customError: (issue) => {
    if (issue.code === 'invalid_type' && issue.input === undefined) return 'Required';
    if (issue.code === 'invalid_type' && issue.expected === 'string') return 'Must be text';
    return undefined;
  },
});
