/** DESIGN §5: the fixed leading columns of live_table.csv, in order. */
export const LIVE_TABLE_LEADING_COLUMNS = [
  'customer_id',
  'listens',
  'unique_tracks',
  'morning',
  'afternoon',
  'evening',
  'night',
  'mobile',
  'clicks',
  'churn_risk',
  'churn_label',
  'first_seen',
  'last_seen',
] as const;

/** CRM fields come next in this order; any other field seen follows, alphabetically. */
export const KNOWN_CRM_COLUMNS = [
  'name',
  'gender',
  'zip',
  'level',
  'campaign',
  'address',
  'email',
  'phone',
  'sign_date',
  'status',
  'linked_with_apps',
] as const;

/** DESIGN §5: the numeric profile columns that agg_table.csv summarises, in order. */
export const STATISTIC_COLUMNS = [
  'listens',
  'unique_tracks',
  'morning',
  'afternoon',
  'evening',
  'night',
  'mobile',
  'clicks',
  'churn_risk',
] as const;
export type StatisticColumn = (typeof STATISTIC_COLUMNS)[number];

export const STATISTICS = ['count', 'mean', 'variance', 'min', 'max'] as const;

export const DEFAULT_CHURN_THRESHOLD = 0.2;
