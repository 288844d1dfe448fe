-- Legacy customers -> logistics.customers: the business code (customer_id) becomes customer_code;
-- constraints and preferences must be JSON objects (null becomes {}).
-- legacy: customers
-- key: l.id
-- name: refuse
SELECT
    l.id::text AS legacy_key,
    CASE
        WHEN l.customer_id IS NULL OR l.customer_id !~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'
            THEN 'customer code malformed (customers_customer_code_check)'
        WHEN length(btrim(coalesce(l.customer_name, ''))) NOT BETWEEN 1 AND 200
            THEN 'customer name empty or longer than 200 (customers_customer_name_check)'
        WHEN length(l.email) > 254 OR l.email !~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
            THEN 'email is not an address (customers_email_check)'
        WHEN l.phone !~ '^\+[1-9][0-9]{6,14}$'
            THEN 'phone number is not in E.164 form (customers_phone_check)'
        WHEN length(l.address) > 500
            THEN 'address longer than 500 (customers_address_length_check)'
        WHEN json_typeof(l.constraints) IS DISTINCT FROM 'object' AND l.constraints IS NOT NULL
            OR json_typeof(l.preferences) IS DISTINCT FROM 'object' AND l.preferences IS NOT NULL
            THEN 'constraints or preferences is not a JSON object (customers_constraints_check)'
        WHEN octet_length(l.constraints::text) > 16384 OR octet_length(l.preferences::text) > 16384
            THEN 'constraints or preferences larger than 16 kB (customers_constraints_length_check)'
    END AS reason
FROM __legacy__.customers AS l
-- name: convert
INSERT INTO logistics.customers (
    id, customer_code, customer_name, email, phone, address, constraints, preferences,
    created_at, updated_at
)
SELECT
    md5('senga.customers.' || l.id)::uuid,
    l.customer_id,
    btrim(l.customer_name),
    l.email,
    l.phone,
    l.address,
    coalesce(l.constraints::jsonb, '{}'),
    coalesce(l.preferences::jsonb, '{}'),
    coalesce(l.created_at AT TIME ZONE 'UTC', now()),
    coalesce(l.updated_at AT TIME ZONE 'UTC', l.created_at AT TIME ZONE 'UTC', now())
FROM __legacy__.customers AS l
WHERE NOT EXISTS (SELECT FROM pg_temp.adopt_refused_customers AS r WHERE r.legacy_key = l.id::text)
ON CONFLICT (id) DO NOTHING;
-- name: converted
SELECT count(*)
FROM __legacy__.customers AS l
WHERE EXISTS (SELECT FROM logistics.customers AS n WHERE n.id = md5('senga.customers.' || l.id)::uuid);
