-- name: create_customer(customer_code, customer_name, email, phone, address, constraints, preferences)^
-- Creates a customer; returns it. constraints and preferences are JSON objects.
-- @param email: str | None
-- @param phone: str | None
-- @param address: str | None
INSERT INTO logistics.customers (customer_code, customer_name, email, phone, address, constraints, preferences)
VALUES (:customer_code, :customer_name, :email, :phone, :address, :constraints, :preferences)
RETURNING id, customer_code, customer_name, email, phone, address, constraints, preferences, created_at, updated_at;

-- name: get_customer_by_id(customer_id)^
-- The customer with this id, or none.
SELECT id, customer_code, customer_name, email, phone, address, constraints, preferences, created_at, updated_at
FROM logistics.customers
WHERE id = :customer_id;

-- name: get_customer_by_code(customer_code)^
-- The customer with this business key, or none.
SELECT id, customer_code, customer_name, email, phone, address, constraints, preferences, created_at, updated_at
FROM logistics.customers
WHERE customer_code = :customer_code;

-- name: list_customers(after_customer_code, max_rows)
-- A page of customers by customer_code (keyset: pass the last row's code, none for the first page).
-- @param after_customer_code: str | None
SELECT id, customer_code, customer_name, email, phone, address, constraints, preferences, created_at, updated_at
FROM logistics.customers
WHERE customer_code > (SELECT coalesce(:after_customer_code::text, ''))
ORDER BY customer_code
LIMIT :max_rows::int;

-- name: update_customer_settings(customer_id, constraints, preferences)^
-- Replaces a customer's constraints and preferences (JSON objects); returns it, or none.
UPDATE logistics.customers
SET constraints = :constraints,
    preferences = :preferences
WHERE id = :customer_id
RETURNING id, customer_code, customer_name, email, phone, address, constraints, preferences, created_at, updated_at;
