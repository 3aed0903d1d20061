//! Every call to GitHub the listings make, through the SDK, by job:
//! [`explain`] puts GitHub's errors in words, [`connect`] turns credentials
//! into clients and finds the organizations, [`pages`] fetches one
//! listing's pages, and [`listing`] fetches every listing of a plan
//! concurrently. Keeping the SDK calls here means authentication and the
//! calls can be changed in one place (the bulk calls of `revoke` and
//! `review` are `act`'s). [`audit_log`] reads a token's audit-log events and
//! revokes leaked tokens, for `trace`. [`pool`] is the one bounded worker
//! pool that both the listings and `trace` run their requests in.

pub mod pool;
pub mod explain;
pub mod connect;
pub mod pages;
pub mod listing;
pub mod audit_log;
