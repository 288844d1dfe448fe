-- logistics.vehicles: the fleet. Capacities are positive; costs are KES and never negative.
-- The current location is latitude/longitude (both or neither, in range); a partial GiST index
-- over logistics.earth_point(latitude, longitude) of available vehicles answers "nearest
-- available vehicle to a pickup point" by index scan (ORDER BY ... <-> target LIMIT n).
-- depends: 0003.logistics.create-customers

SET LOCAL lock_timeout = '5s';

SET LOCAL statement_timeout = '60s';

CREATE TABLE logistics.vehicles (
    id uuid NOT NULL DEFAULT core.uuid_v7(),
    vehicle_code text NOT NULL,
    vehicle_type text NOT NULL,
    capacity_weight_tonnes numeric(10, 3) NOT NULL,
    capacity_volume_m3 numeric(10, 3) NOT NULL,
    current_latitude double precision,
    current_longitude double precision,
    status text NOT NULL DEFAULT 'available',
    available_at timestamptz,
    fuel_cost_per_km numeric(19, 4) NOT NULL DEFAULT 0,
    driver_cost_per_hour numeric(19, 4) NOT NULL DEFAULT 0,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT vehicles_pkey PRIMARY KEY (id),
    CONSTRAINT vehicles_vehicle_code_key UNIQUE (vehicle_code),
    CONSTRAINT vehicles_vehicle_code_check CHECK (vehicle_code ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    CONSTRAINT vehicles_vehicle_type_check CHECK (length(btrim(vehicle_type)) BETWEEN 1 AND 50),
    CONSTRAINT vehicles_capacity_weight_tonnes_check CHECK (capacity_weight_tonnes > 0),
    CONSTRAINT vehicles_capacity_volume_m3_check CHECK (capacity_volume_m3 > 0),
    CONSTRAINT vehicles_current_latitude_check CHECK (current_latitude BETWEEN -90 AND 90),
    CONSTRAINT vehicles_current_longitude_check CHECK (current_longitude BETWEEN -180 AND 180),
    CONSTRAINT vehicles_current_location_check CHECK ((current_latitude IS NULL) = (current_longitude IS NULL)),
    CONSTRAINT vehicles_status_check CHECK (status IN ('available', 'in_transit', 'maintenance', 'out_of_service')),
    CONSTRAINT vehicles_fuel_cost_per_km_check CHECK (fuel_cost_per_km >= 0),
    CONSTRAINT vehicles_driver_cost_per_hour_check CHECK (driver_cost_per_hour >= 0)
);

COMMENT ON TABLE logistics.vehicles IS 'The fleet: capacities, current location, availability and running costs.';

COMMENT ON COLUMN logistics.vehicles.vehicle_code IS 'Business key (the seed''s vehicle_id), e.g. a fleet number; unique.';

COMMENT ON COLUMN logistics.vehicles.vehicle_type IS 'Free text, e.g. 5T Truck.';

COMMENT ON COLUMN logistics.vehicles.current_latitude IS 'Degrees north (-90 to 90); null, with current_longitude, when unknown.';

COMMENT ON COLUMN logistics.vehicles.current_longitude IS 'Degrees east (-180 to 180); null, with current_latitude, when unknown.';

COMMENT ON COLUMN logistics.vehicles.status IS 'available, in_transit, maintenance or out_of_service.';

COMMENT ON COLUMN logistics.vehicles.available_at IS 'When an available vehicle can next leave; null means now.';

COMMENT ON COLUMN logistics.vehicles.fuel_cost_per_km IS 'KES per kilometre.';

COMMENT ON COLUMN logistics.vehicles.driver_cost_per_hour IS 'KES per hour.';

COMMENT ON CONSTRAINT vehicles_vehicle_code_key ON logistics.vehicles IS 'vehicle_code is already taken';

COMMENT ON CONSTRAINT vehicles_vehicle_code_check ON logistics.vehicles IS 'vehicle_code must have 1 to 64 letters, digits, dots, dashes or underscores';

COMMENT ON CONSTRAINT vehicles_vehicle_type_check ON logistics.vehicles IS 'vehicle_type must have 1 to 50 characters';

COMMENT ON CONSTRAINT vehicles_capacity_weight_tonnes_check ON logistics.vehicles IS 'capacity_weight_tonnes must be greater than zero';

COMMENT ON CONSTRAINT vehicles_capacity_volume_m3_check ON logistics.vehicles IS 'capacity_volume_m3 must be greater than zero';

COMMENT ON CONSTRAINT vehicles_current_latitude_check ON logistics.vehicles IS 'current_latitude must be between -90 and 90';

COMMENT ON CONSTRAINT vehicles_current_longitude_check ON logistics.vehicles IS 'current_longitude must be between -180 and 180';

COMMENT ON CONSTRAINT vehicles_current_location_check ON logistics.vehicles IS 'current_latitude and current_longitude are both set or both null';

COMMENT ON CONSTRAINT vehicles_status_check ON logistics.vehicles IS 'status must be available, in_transit, maintenance or out_of_service';

COMMENT ON CONSTRAINT vehicles_fuel_cost_per_km_check ON logistics.vehicles IS 'fuel_cost_per_km cannot be negative';

COMMENT ON CONSTRAINT vehicles_driver_cost_per_hour_check ON logistics.vehicles IS 'driver_cost_per_hour cannot be negative';

CREATE INDEX vehicles_available_location_idx ON logistics.vehicles
    USING gist (logistics.earth_point(current_latitude, current_longitude))
    WHERE status = 'available';

CREATE INDEX vehicles_status_idx ON logistics.vehicles (status);

CREATE TRIGGER _100_set_updated_at
    BEFORE UPDATE ON logistics.vehicles
    FOR EACH ROW EXECUTE FUNCTION core.tg__set_updated_at();
