//! End-to-end tests of the tasks, on the real spec/ and on broken copies of it.
