-- F-RT-01: CREATE ROUTE with SERVICE_NAME, BROKER_INSTANCE, LIFETIME, ADDRESS: the sys.routes row
-- holds those values; lifetime is about UTC now + LIFETIME.
-- F-RT-02: missing ADDRESS is a syntax error; ADDRESS = 'foo' -> 9744.
-- F-RT-03: field combination errors 9662 / 9745 / 9661 / 9747.
-- F-RT-04: ALTER ROUTE changes only the given field.
CREATE DATABASE rt1;
GO
USE rt1;
GO
CREATE ROUTE r WITH SERVICE_NAME = '//x/S', BROKER_INSTANCE = 'D8D4D268-02A3-4C62-8F91-634B89C1E315',
    LIFETIME = 3600, ADDRESS = 'TCP://host2:4022', MIRROR_ADDRESS = 'TCP://host3:4022';
SELECT name, remote_service_name, broker_instance, address, mirror_address,
       CASE WHEN DATEDIFF(SECOND, GETUTCDATE(), lifetime) BETWEEN 3590 AND 3600 THEN 1 ELSE 0 END AS lifetime_ok,
       CASE WHEN route_id > 65536 THEN 1 ELSE 0 END AS user_id
FROM sys.routes WHERE name = N'r';
GO
CREATE ROUTE r_noaddr WITH SERVICE_NAME = '//x/S';
GO
CREATE ROUTE r_foo WITH ADDRESS = 'foo';
GO
CREATE ROUTE r_9662 WITH BROKER_INSTANCE = 'D8D4D268-02A3-4C62-8F91-634B89C1E315', ADDRESS = 'TCP://h:4022';
GO
CREATE ROUTE r_9745 WITH SERVICE_NAME = '//x/S', ADDRESS = 'TRANSPORT';
GO
CREATE ROUTE r_9661 WITH SERVICE_NAME = '//x/S', ADDRESS = 'TCP://h:4022', MIRROR_ADDRESS = 'TCP://m:4022';
GO
CREATE ROUTE r_9747 WITH SERVICE_NAME = '//x/S', BROKER_INSTANCE = 'D8D4D268-02A3-4C62-8F91-634B89C1E315',
    ADDRESS = 'TCP://h:4022', MIRROR_ADDRESS = 'TCP://h:4022';
GO
SELECT COUNT(*) AS routes FROM sys.routes;
ALTER ROUTE r WITH ADDRESS = 'TCP://host9:4022';
SELECT name, remote_service_name, broker_instance, address, mirror_address FROM sys.routes WHERE name = N'r';
GO
