-- expand: the new table, created through the driver while the application runs old-only
CREATE TABLE clients (
    id BIGINT AUTO_INCREMENT PRIMARY KEY,
    full_name VARCHAR(100) NOT NULL,
    name_search VARCHAR(100),
    email_address VARCHAR(100) NOT NULL,
    ref VARCHAR(36),
    version BIGINT NOT NULL
) ENGINE = InnoDB;
